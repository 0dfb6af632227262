"""Type hints for swagger-ui-bundle (it ships none)."""

swagger_ui_path: str
