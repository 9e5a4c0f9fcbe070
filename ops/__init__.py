"""Running a deployment: `manage.py backup` and `manage.py restore`."""
