"""Sổ tay Đảng viên, the digital handbook of Party members. The application factory
is handbook.app.create_app; importing a service (handbook.study.progress, say) loads
neither it nor Flask. docs/architecture.md draws the layers."""
