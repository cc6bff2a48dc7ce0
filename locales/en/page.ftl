# simnet: page, en. See src/i18n.rs.
page-title = { $name }: step by step
