from flask import Blueprint

bp = Blueprint("interchange", __name__)
