"""polyclean: scraped, multilingual, broken web text in; clean, consistent English out."""
__version__ = "0.1.0"
