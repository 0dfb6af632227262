# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=fileshare
FLASK_CONFIG=development
