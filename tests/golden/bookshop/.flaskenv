# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=bookshop
FLASK_CONFIG=development
