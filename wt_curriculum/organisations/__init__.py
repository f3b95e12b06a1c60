"""Networks and schools: administration, CSV and DUO imports."""
