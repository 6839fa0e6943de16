"""The home-care centres' units of work and reads (居家养老服务中心)."""
