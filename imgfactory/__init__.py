"""The `imgfactory` command and the local stack. Not deployed: Lambda gets app.py + chalicelib."""
