"""Passwords refused at set and change: the most common ones worldwide and in
Vietnam, and words from this handbook's own context. Compared after folding
(no case, no diacritics, no spaces), so "Đảng viên 123" matches "dangvien123"."""

from __future__ import annotations

_COMMON = """
123456 12345678 123456789 1234567890 12345678910 0123456789 987654321 9876543210
11111111 00000000 88888888 66666666 99999999 12341234 11223344 123123123 1234512345
147258369 159357159 123654789 147852369 321654987 112233445566 123321123 1q2w3e4r
1q2w3e4r5t qwerty qwerty123 qwertyui qwertyuiop asdfghjk asdfghjkl zxcvbnm zxcvbnm123
password password1 password123 passw0rd p@ssw0rd p@ssword admin admin123 admin@123
administrator root123 welcome welcome1 welcome123 letmein letmein1 iloveyou iloveyou1
abc12345 abcd1234 abcdefgh abc123456 aa123456 a1234567 a12345678 qazwsxedc 1qaz2wsx
sunshine princess football baseball dragon monkey master shadow superman batman
trustno1 starwars whatever freedom michael jennifer computer internet changeme
matkhau matkhau123 matkhau@123 matkhaumoi doimatkhau anhyeuem anhyeuem123 emyeuanh
yeuem123 yeuanh123 vietnam vietnam123 vietnam1975 vietnam2024 vietnam2025 hanoi123
saigon123 hochiminh hochiminh1890 bacho bacho1890 bachokinhyeu 19051890 02091945
30041975 03021930 vn123456 123456vn 123456aa 123456a@ 123456abc 12345678a 1234567890a
"""

_CONTEXT = """
dang dangvien dangvien123 dangvien@123 dangcongsan dangcongsanvietnam dcsvn dcsvn123
sotaydangvien sotay sotay123 chibo chibo123 dangbo dangbo123 tinhuy tinhuy123
bithu bithu123 capuy capuy123 nghiquyet nghiquyet123 dieule dieuledang quydinh
chuyensinhhoat sinhhoatdang thedangvien dangvienmoi kichhoat kichhoat123
hanoi haiphong danang cantho hue quangninh thanhhoa nghean hatinh quangbinh
quangtri quangnam quangngai binhdinh phuyen khanhhoa ninhthuan binhthuan kontum
gialai daklak daknong lamdong binhphuoc tayninh binhduong dongnai bariavungtau
longan tiengiang bentre travinh vinhlong dongthap angiang kiengiang haugiang
soctrang baclieu camau laocai yenbai laichau dienbien sonla hoabinh hagiang
caobang backan langson tuyenquang thainguyen phutho bacgiang bacninh vinhphuc
hanam namdinh ninhbinh thaibinh haiduong hungyen
"""

WEAK_PASSWORDS = frozenset(_COMMON.split()) | frozenset(_CONTEXT.split())
