"""(the area's units of work)"""
