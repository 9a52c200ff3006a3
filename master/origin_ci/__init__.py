"""triton-origin-ci: builds, checks and publishes triton-origin SmartOS images (RFD 46)."""
