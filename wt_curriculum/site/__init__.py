"""The site's own pages: home, language, accessibility statement, health."""
