"""Home-care centres (居家养老服务中心) and their subsidies (建设 / 运行 / 就餐补助), pure."""
