"""The message texts the tests send: Vietnamese, with every kind of diacritic."""

VI_SUBJECT = "Nhắc lịch tái khám: sáng thứ Ba 04/03"
VI_TEXT = ("Chào chị Nguyễn Thị Ánh,\n"
           "Phòng khám Nội nhắc lịch tái khám: sáng thứ Ba 04/03/2025, số thứ tự 12.\n"
           "Nhịn ăn sáng trước khi lấy máu. Trả lời C để xác nhận, D để đổi lịch.")
SMS_TEXT = "PK AN BINH: nhac lich tai kham sang T3 04/03, STT 12. Tra loi C xac nhan, D doi lich."
