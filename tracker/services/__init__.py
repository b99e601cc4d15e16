"""Services change models and write history; views commit once."""
