"""Care institutions (养老机构): registration (备案) and beds, residents, unregistered homes."""
