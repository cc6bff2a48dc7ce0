# simnet: fields, en. See src/i18n.rs.
