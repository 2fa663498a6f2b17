"""Busan Strategic Projects Portal: the Django project package."""
