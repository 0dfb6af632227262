# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=blog
FLASK_CONFIG=development
