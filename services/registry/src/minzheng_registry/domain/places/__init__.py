"""(the area's pure domain)"""
