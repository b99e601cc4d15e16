"""Services change models, write history and flush; tracker.transactions commits each request once."""
