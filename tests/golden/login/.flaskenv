# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=sessionlogin
FLASK_CONFIG=development
