"""The show's website: an episode page per episode and a show page, from Jinja2
templates (``pages``), and a preview server for feed/ (``serve``)."""
