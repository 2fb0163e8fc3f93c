# One unambiguous date format across the product ("Nov 24, 2026"), whatever the locale says.
DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
TIME_FORMAT = "g:i A"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M"]
