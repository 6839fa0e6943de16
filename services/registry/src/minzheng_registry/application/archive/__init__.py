"""The historical archive's units of work: the bulk import (``imports``) and its reads."""
