"""A fake service following the service entrypoint contract, for testing ``minzheng_infra run``."""
