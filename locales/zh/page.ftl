# simnet: page, zh. See src/i18n.rs.
page-title = { $name }：逐步演示
