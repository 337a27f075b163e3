"""Serves the progressive web app in pwa/: the shell, its service worker and the headers around them."""
