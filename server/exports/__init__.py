"""Exports for other organisations' systems: EVV records for US payers, FHIR encounters for shared care records."""
