# simnet: fields, zh. See src/i18n.rs.
