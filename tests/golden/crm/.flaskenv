# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=crm
FLASK_CONFIG=development
