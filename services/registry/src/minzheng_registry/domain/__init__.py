"""The registry's pure domain: typed events and decisions per area. Imports only the kernel, the
contracts' value types and the standard library (an import-linter contract)."""
