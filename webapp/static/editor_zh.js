// The Chinese catalog of the form and decision table editors (form-js, dmn-js): their own words, installed only on
// pages in Chinese, so that the English pages keep the editors' English.
(function () {
  "use strict";
  var words = {
    // dmn-js: the decision table, its context menus and cell editors.
    "Add cell description": "添加单元格说明", "Add input": "添加输入", "Add input column left": "在左侧添加输入列",
    "Add input column right": "在右侧添加输入列", "Add output": "添加输出", "Add output column left": "在左侧添加输出列",
    "Add output column right": "在右侧添加输出列", "Add predefined values": "添加预定义值", "Add rule": "添加规则",
    "Add rule above": "在上方添加规则", "Add rule below": "在下方添加规则", "Add values": "添加值", "After": "之后",
    "And": "且", "Annotation": "注释", "Annotations": "注释", "Before": "之前", "Between": "介于",
    "Boolean value": "布尔值", "Change cell expression language": "更改单元格表达式语言", "Comparison": "比较",
    "Comparison operator": "比较运算符", "Copy input column": "复制输入列", "Copy output column": "复制输出列",
    "Copy rule": "复制规则", "Custom values": "自定义值", "Cut input column": "剪切输入列", "Cut output column": "剪切输出列",
    "Cut rule": "剪切规则", "Date": "日期", "Date and time": "日期和时间", "Date and time value": "日期时间值",
    "Date value": "日期值", "Decision name": "决策名称", "Decision name: ": "决策名称：", "Duration value": "时长值",
    "Edit": "编辑", "Edit boolean": "编辑布尔值", "Edit date": "编辑日期", "Edit date and time": "编辑日期和时间",
    "Edit duration": "编辑时长", "Edit end date": "编辑结束日期", "Edit end date and time": "编辑结束日期和时间",
    "Edit end time": "编辑结束时间", "Edit input": "编辑输入", "Edit number": "编辑数字", "Edit output": "编辑输出",
    "Edit start date": "编辑开始日期", "Edit start date and time": "编辑开始日期和时间", "Edit start time": "编辑开始时间",
    "Edit string": "编辑字符串", "Edit time": "编辑时间",
    "Editing not supported for set expression language": "该表达式语言不支持在此编辑", "End date": "结束日期",
    "End date and time": "结束日期和时间", "End time": "结束时间", "End value": "结束值", "Enter expression": "输入表达式",
    "Equals": "等于", "Exactly": "恰好", "Exclude": "排除", "Expression": "表达式", "Expression language": "表达式语言",
    "Expression language:": "表达式语言：", "Expression language: {expressionLanguageLabel}": "表达式语言：{expressionLanguageLabel}",
    "Greater": "大于", "Greater or equals": "大于等于", "Hit policy": "命中策略", "Hit policy:": "命中策略：",
    "Include": "包含", "Input": "输入", "Input expression": "输入表达式", "Input expression: ": "输入表达式：",
    "Input label": "输入标签", "Input label: ": "输入标签：", "Input type": "输入类型", "Input values": "输入值",
    "Less": "小于", "Less or equals": "小于等于", "Match none": "都不匹配", "Match one": "匹配其一", "Move rule": "移动规则",
    "No": "否", "No values": "无值", "Output": "输出", "Output label": "输出标签", "Output label: ": "输出标签：",
    "Output name": "输出名称", "Output name: ": "输出名称：", "Output type": "输出类型", "Output values": "输出值",
    "Paste input column left": "粘贴输入列到左侧", "Paste input column right": "粘贴输入列到右侧",
    "Paste output column left": "粘贴输出列到左侧", "Paste output column right": "粘贴输出列到右侧",
    "Paste rule above": "粘贴规则到上方", "Paste rule below": "粘贴规则到下方", "Predefined values": "预定义值",
    "Range": "范围", "Range end operator": "范围结束运算符", "Range end value": "范围结束值",
    "Range start operator": "范围开始运算符", "Range start value": "范围开始值", "Remove cell description": "删除单元格说明",
    "Remove input column": "删除输入列", "Remove output column": "删除输出列", "Remove rule": "删除规则", "Resize": "调整宽度",
    "Set date": "设置日期", "Set date and time": "设置日期和时间", "Set duration": "设置时长", "Set time": "设置时间",
    "Set value": "设置值", "Start date": "开始日期", "Start date and time": "开始日期和时间", "Start time": "开始时间",
    "Start value": "开始值", "String value": "字符串值", "Strings must be in double quotes": "字符串须加双引号",
    "Test type": "测试类型", "Then": "则", "Time": "时间", "Time value": "时间值", "Type": "类型", "Use now": "使用当前时间",
    "Use today": "使用今天", "Value": "值", "Values": "值", "View DRD": "查看决策需求图", "When": "当", "Yes": "是",
    // dmn-js: hit policies and what they mean.
    "Unique": "唯一", "First": "首个", "Priority": "优先级", "Any": "任意", "Collect": "汇集", "Collect (Sum)": "汇集（求和）",
    "Collect (Min)": "汇集（最小值）", "Collect (Max)": "汇集（最大值）", "Collect (Count)": "汇集（计数）",
    "Rule order": "规则顺序", "Output order": "输出顺序",
    "No overlap is possible and all rules are disjoint. Only a single rule can be matched": "规则互不重叠，只能命中一条规则",
    "Rules may overlap. The first matching rule will be chosen": "规则可以重叠，取第一条命中的规则",
    "Rules may overlap. The one with the highest priority will be chosen": "规则可以重叠，取优先级最高的规则",
    "Rules may overlap. Their output have to match": "规则可以重叠，命中规则的输出必须一致",
    "Collects the values of all matching rules": "汇集所有命中规则的值",
    "Collects the values of all matching rules and sums up to a single value": "汇集所有命中规则的值并求和",
    "Collects the values of all matching rules and uses the lowest value": "汇集所有命中规则的值并取最小值",
    "Collects the values of all matching rules and uses the highest value": "汇集所有命中规则的值并取最大值",
    "Collects the values of all matching rules and counts the number of them": "汇集所有命中规则并计数",
    "Collects the values of all matching rules in rule order": "按规则顺序汇集所有命中规则的值",
    "Collects the values of all matching rules in decreasing output priority order": "按输出优先级从高到低汇集所有命中规则的值",
    // dmn-js: the decision requirements diagram and literal expressions.
    "Activate hand tool": "启用抓手工具", "Activate lasso tool": "启用套索工具", "Add text annotation": "添加文本注释",
    "Append business knowledge model": "追加业务知识模型", "Append decision": "追加决策", "Append input data": "追加输入数据",
    "Append knowledge source": "追加知识来源", "Change type": "更改类型", "Connect to other element": "连接到其他元素",
    "Create decision": "创建决策", "Create input data": "创建输入数据", "Create knowledge model": "创建知识模型",
    "Create knowledge source": "创建知识来源", "Definition ID": "定义标识", "Definition name": "定义名称", "Delete": "删除",
    "Literal expression editor": "文字表达式编辑器", "Variable name": "变量名", "Variable name:": "变量名：",
    "Variable type": "变量类型", "Variable type:": "变量类型：", "Literal expression": "文字表达式",
    // form-js: the palette.
    "Search components": "搜索组件", "Selection": "选择", "Presentation": "展示", "Containers": "容器", "Action": "操作",
    "Text field": "文本框", "Text area": "多行文本", "Number": "数字", "Date time": "日期时间", "Checkbox": "复选框",
    "Checkbox group": "复选框组", "Radio group": "单选按钮组", "Select": "下拉选择", "Tag list": "标签列表",
    "Text view": "文字", "HTML view": "HTML 内容", "Image view": "图片", "Table": "表格", "iFrame": "内嵌页面",
    "Separator": "分隔线", "Spacer": "留白", "Group": "分组", "Dynamic list": "动态列表", "Button": "按钮",
    "Document preview": "文档预览", "File picker": "文件选择", "Expression": "表达式",
    "Drag and drop components here.": "把组件拖到这里。", "Build your form": "设计表单",
    "Drag and drop components here to start designing.": "把组件拖到这里开始设计。",
    // form-js: the properties panel.
    "General": "常规", "Condition": "条件", "Validation": "校验", "Appearance": "外观", "Layout": "布局",
    "Constraints": "约束", "Serialization": "序列化", "Custom properties": "自定义属性", "Options source": "选项来源",
    "Static options": "静态选项", "Dynamic options": "动态选项", "Security attributes": "安全属性", "Content": "内容",
    "Field label": "字段标签", "Field description": "字段说明", "Group label": "分组标题", "Key": "键", "ID": "标识",
    "Label": "标签", "Text": "文字", "Default value": "默认值", "Disabled": "禁用", "Read only": "只读", "Required": "必填",
    "Searchable": "可搜索", "Hide if": "何时隐藏", "Deactivate if": "何时停用", "Columns": "列宽", "Column": "列",
    "Auto": "自动", "Minimum": "最小值", "Maximum": "最大值", "Minimum length": "最短长度", "Maximum length": "最长长度",
    "Validation pattern": "校验格式", "Custom regular expression": "自定义正则表达式", "Custom error message": "自定义错误提示",
    "Custom": "自定义", "Email": "电子邮件", "Phone": "电话", "Prefix": "前缀", "Suffix": "后缀",
    "Decimal digits": "小数位数", "Increment": "步长", "Output as string": "输出为字符串", "Subtype": "子类型",
    "Date label": "日期标签", "Time label": "时间标签", "Use 24h": "24 小时制", "Time format": "时间格式",
    "Time interval": "时间间隔", "Disallow past dates": "不允许过去的日期", "List of items": "选项列表",
    "Options expression": "选项表达式", "Input values key": "输入值键", "Checked": "选中", "Not checked": "未选中",
    "Path": "路径", "Height": "高度", "URL": "网址", "Image source": "图片来源", "Alternative text": "替代文字",
    "Show outline": "显示边框", "Vertical alignment": "垂直对齐", "Top": "顶部", "Center": "居中", "Bottom": "底部",
    "Compute on": "计算时机", "Value changes": "值变化时", "Form submission": "提交表单时", "Submit": "提交",
    "Reset": "重置", "Action type": "操作类型", "Data source": "数据来源", "Headers source": "表头来源",
    "Header items": "表头项", "Pagination": "分页", "Number of rows per page": "每页行数",
    "Allow add/delete items": "允许增删项", "Default number of items": "默认项数", "Disable collapse": "禁止折叠",
    "Number of non-collapsing items": "不折叠的项数", "Upload multiple files": "允许上传多个文件",
    "Supported file formats": "支持的文件格式", "Document reference": "文档引用",
    "Max height of preview container": "预览区最大高度", "Version tag": "版本标签", "Name": "名称",
    "Toggle section": "展开或收起", "Section contains an error": "此部分有错误", "Section contains edits": "此部分有修改",
    "Create new list item": "新建列表项", "Create": "新建", "Delete item": "删除此项", "Toggle list item": "展开或收起此项",
    "Open documentation": "打开文档", "Open pop-up editor": "在弹出窗口中编辑", "Opened in editor": "已在编辑器中打开",
    "FEEL expression is mandatory": "必须是 FEEL 表达式", "Unparsable FEEL expression.": "无法解析的 FEEL 表达式。",
    "<empty>": "<空>", "<none>": "<无>", "Select a form field to edit its properties.": "选择一个表单字段以编辑其属性。",
    "Multiple form fields are selected. Select a single form field to edit its properties.": "选中了多个表单字段，请只选一个以编辑其属性。",
    "Components": "组件", "No components found.": "没有找到组件。", "Clear content": "清除内容", "Learn more": "了解更多",
    "Repeatable": "可重复", "Binds to a form variable": "绑定到表单变量", "Allows arbitrary precision values": "允许任意精度的数值",
    "Define an expression to calculate the value of this field": "用表达式计算此字段的值",
    "Define an expression to populate the options from.": "用表达式生成选项。",
    "Define which input property to populate the values from": "指定从哪个输入属性取值",
    "Expression or static value (link/data URI)": "表达式或固定值（链接或 data URI）",
    "Height of the container in pixels.": "容器高度（像素）。",
    "Specify an expression to populate column items": "用表达式生成列",
    "Specify the source from which to populate the table": "指定表格数据的来源",
    "Where the child variables of this component are pathed to.": "此组件的子变量存放的路径。",
    "Version tag by which this form can be referenced.": "引用此表单时使用的版本标签。",
    "Descriptive text for screen reader accessibility.": "供读屏软件朗读的说明文字。"
  };

  // The diagram-js style translate service: a template with {placeholders}, in Chinese when the catalog has it.
  function translate(template, replacements) {
    var text = Object.prototype.hasOwnProperty.call(words, template) ? words[template] : template;
    return text.replace(/{([^}]+)}/g, function (_, key) {
      return replacements && replacements[key] !== undefined ? String(replacements[key]) : "{" + key + "}";
    });
  }

  var chinese = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  window.rcjcEditorLanguage = {
    chinese: chinese,
    words: words,
    translate: translate,
    // For dmn-js and other diagram-js based editors: a module replacing the `translate` service (none in English).
    modules: function () { return chinese ? [{ translate: ["value", translate] }] : []; }
  };
})();
