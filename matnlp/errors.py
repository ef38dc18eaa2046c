"""Exception hierarchy: every error names what failed and why, so a run can log it and go on."""


class MatnlpError(Exception):
    """Base class for all matnlp errors."""


class IngestError(MatnlpError):
    """An input file could not be read into a document (names the file and the reason)."""

    def __init__(self, path, message: str):
        self.path = str(path)
        self.reason = message
        super().__init__(f"{self.path}: {message}")

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class ModelError(MatnlpError):
    """A model directory is missing, incomplete or incompatible."""


class ConfigError(MatnlpError):
    """Invalid settings or arguments."""


class SchemaError(MatnlpError):
    """A record does not validate against the record schema."""
