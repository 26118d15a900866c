"""Every write the plugin makes, each in the transaction it owns."""
