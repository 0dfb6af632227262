# Read by the flask command (and manage.py) through python-dotenv.
FLASK_APP=bookshop
FLASK_CONFIG=development
# The debugger and the reloader, for `python manage.py run` and `flask run` only:
# production servers (gunicorn, ...) never read this file.
FLASK_DEBUG=1
