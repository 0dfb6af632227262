# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=hello
FLASK_CONFIG=development
