"""Word lists for demo data: Vietnamese personal names, places, committees, cells."""

from __future__ import annotations

import random

# Family names with rough weights (per cent of the population).
FAMILY_NAMES = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 3, "Huỳnh": 2.5, "Phan": 4.5,
    "Vũ": 2, "Võ": 2, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1,
    "Lý": 0.5, "Đinh": 0.8, "Trương": 0.8, "Lương": 0.5, "Mai": 0.5, "Tạ": 0.3, "Cao": 0.4,
    "Điểu": 0.3, "Thị": 0.2, "Lâm": 0.4, "Châu": 0.3, "Hà": 0.5, "Tô": 0.3, "Quách": 0.2,
}
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân",
               "Ngọc", "Anh", "Trọng", "Quốc", "Đình", "Thanh", "Hoàng", "Tuấn", "Tấn", "Bá"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Kim", "Phương", "Minh",
                 "Thùy", "Mỹ", "Bích", "Diệu", "Khánh", "Hoài", "Tuyết", "Quỳnh"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đạt", "Định", "Đông", "Giang", "Hải", "Hiếu",
              "Hòa", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Kiên", "Lâm", "Long", "Lộc",
              "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Phước", "Quân",
              "Quang", "Sang", "Sơn", "Tài", "Tâm", "Tân", "Thắng", "Thành", "Thịnh", "Thông",
              "Tiến", "Toàn", "Trí", "Trung", "Trường", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ"]
GIVEN_FEMALE = ["Anh", "Ánh", "Bích", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà",
                "Hạnh", "Hằng", "Hiền", "Hoa", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh",
                "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Nhi", "Oanh", "Phượng",
                "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thơ", "Thủy", "Trang", "Trâm",
                "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến"]

# Subordinate committees of a province like the one in the report (19 of them).
COMMITTEES = [
    "Đảng bộ thành phố Đồng Xoài", "Đảng bộ thị xã Bình Long", "Đảng bộ thị xã Phước Long",
    "Đảng bộ thị xã Chơn Thành", "Đảng bộ huyện Đồng Phú", "Đảng bộ huyện Bù Đăng",
    "Đảng bộ huyện Bù Gia Mập", "Đảng bộ huyện Bù Đốp", "Đảng bộ huyện Lộc Ninh",
    "Đảng bộ huyện Hớn Quản", "Đảng bộ huyện Phú Riềng", "Đảng bộ Quân sự tỉnh",
    "Đảng bộ Công an tỉnh", "Đảng bộ Bộ đội Biên phòng tỉnh",
    "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh", "Đảng bộ Công ty Cao su Phú Riềng",
    "Đảng bộ Công ty Cao su Bình Long", "Đảng bộ Công ty Cao su Đồng Phú",
    "Đảng bộ Công ty Cao su Lộc Ninh",
]
PLACES = [
    "Tân Lập", "Tân Hưng", "Tân Phú", "Tân Thành", "Tân Tiến", "Tân Lợi", "Thuận Lợi",
    "Thuận Phú", "Đồng Tâm", "Đồng Tiến", "Minh Hưng", "Minh Lập", "Minh Thành", "Nha Bích",
    "Thanh Bình", "Thanh Lương", "Thanh Phú", "An Khương", "An Phú", "Lộc Hiệp", "Lộc Hưng",
    "Lộc Thái", "Lộc Thạnh", "Lộc Tấn", "Lộc Điền", "Phước Tín", "Long Hà", "Long Tân",
    "Long Bình", "Bình Thắng", "Bình Minh", "Bom Bo", "Đăng Hà", "Đoàn Kết", "Nghĩa Trung",
    "Đức Liễu", "Thọ Sơn", "Phú Sơn", "Đa Kia", "Phước Minh", "Bình Thạnh", "Phú Văn",
    "Đắk Ơ", "Bù Gia Mập", "Thiện Hưng", "Hưng Phước", "Tân Khai", "Tân Quan", "Đồng Nơ",
    "Thành Tâm", "Quang Minh", "Nha Bích", "Tiến Hưng", "Tiến Thành", "Tân Xuân", "Tân Đồng",
]
GRASSROOTS_FORMS = [
    "Đảng bộ xã {place}", "Đảng bộ phường {place}", "Đảng bộ thị trấn {place}",
    "Chi bộ Trường THCS {place}", "Chi bộ Trường Tiểu học {place}", "Đảng bộ Nông trường {place}",
    "Chi bộ Trạm Y tế {place}", "Đảng bộ Công ty cổ phần {place}", "Chi bộ Ngân hàng {place}",
]
CELL_FORMS = [
    "Chi bộ ấp {n}", "Chi bộ khu phố {n}", "Chi bộ thôn {n}", "Chi bộ tổ sản xuất {n}",
    "Chi bộ Văn phòng {n}", "Chi bộ Đội {n}", "Chi bộ Phòng Kế hoạch {n}", "Chi bộ Tổ dân phố {n}",
]


def person_name(rng: random.Random) -> str:
    family = rng.choices(list(FAMILY_NAMES), weights=list(FAMILY_NAMES.values()))[0]
    if rng.random() < 0.45:
        return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
    return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
