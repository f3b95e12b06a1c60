from flask import Blueprint

bp = Blueprint("objectives", __name__)
