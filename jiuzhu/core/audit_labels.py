"""Chinese names of audit actions, for the pages inspectors read."""

ACTION_LABELS = {
    "user.login": "登录",
    "user.otp_enrol": "绑定手机令牌",
    "user.create": "新建账号",
    "user.set_password": "重设密码",
    "user.unlock": "解除账号锁定",
    "user.reset_otp": "重置手机令牌",
    "regions.import": "导入行政区划",
    "import.preview": "上传导入文件（检查）",
    "import.commit": "确认导入",
    "import.discard": "放弃导入",
    "household.import": "导入建档",
    "household.update": "修改家庭信息",
    "household.export": "导出家庭名册",
    "person.update": "修改成员信息",
    "person.reveal_id": "查看完整身份证号码",
    "income.add": "登记收入",
    "asset.add": "登记财产",
    "demo.generate": "生成演示数据",
    "holidays.seed": "载入节假日",
    "settings.standard": "设置保障标准",
    "settings.delegation": "设置审核确认权限下放",
    "settings.countysetting": "设置县级参数",
    "settings.addonrate": "设置分类施保加发",
    "settings.temporarytier": "设置临时救助档次",
    "settings.carerate": "设置照料护理补贴标准",
    "holidays.set": "录入节假日/调休",
    "holidays.confirm_year": "确认全年节假日已录入",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
