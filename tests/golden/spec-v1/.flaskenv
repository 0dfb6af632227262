# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=mycrm
FLASK_CONFIG=development
