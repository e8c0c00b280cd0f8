"""Digital powers of attorney: granting, signing, verifying and using them."""
