from flask import Blueprint

bp = Blueprint("references", __name__)
