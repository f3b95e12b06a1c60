"""Administration pages: accounts (bound to a school or a network) and the audit log."""
