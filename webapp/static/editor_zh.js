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
    "Document preview": "文档预览", "File picker": "文件选择",
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
    "Descriptive text for screen reader accessibility.": "供读屏软件朗读的说明文字。",
    // form-js: rarer entries, options, help texts and checks of the properties panel.
    "Form": "表单", "Title": "标题", "Table label": "表格标题", "Target value": "目标值", "Static": "静态",
    "Input data": "输入数据", "Date & Time": "日期和时间", "UTC offset": "带 UTC 偏移", "UTC normalized": "转换为 UTC",
    "No timezone": "不带时区", "Column 1": "第 1 列", "Column 2": "第 2 列", "Column 3": "第 3 列",
    "Script execution": "执行脚本", "Allow same origin": "允许同源访问", "Open in fullscreen": "允许全屏",
    "Geolocation": "地理位置", "Camera access": "使用摄像头", "Microphone access": "使用麦克风",
    "Forms submission": "提交表单", "Open modal windows": "打开模态窗口", "Open popups": "打开弹出窗口",
    "Top level navigation": "跳转顶层页面", "Storage access by user": "由用户授权访问存储",
    "Opened in popup": "已在弹出窗口中打开", "Close popup": "关闭弹出窗口", "Save and close": "保存并关闭",
    "Syntax Error": "语法错误", "Remove form field": "删除表单字段", "Condition under which the field is hidden": "满足此条件时隐藏字段",
    "Condition under which the field is deactivated": "满足此条件时停用字段",
    "Click to set a dynamic value with FEEL expression": "点击改用 FEEL 表达式设置动态值",
    "Click to remove dynamic value with FEEL expression": "点击取消 FEEL 表达式动态值",
    "Supports markdown and templating.": "支持 Markdown 和模板。",
    "Supports HTML, styling, and templating. Styles are automatically scoped to the HTML component.":
      "支持 HTML、样式和模板。样式只作用于此 HTML 组件。",
    "Text view is empty": "文字内容为空", "Text view is populated by an expression": "文字内容由表达式生成",
    "Text view is templated": "文字内容使用模板", "Html view is empty": "HTML 内容为空",
    "Html view is populated by an expression": "HTML 内容由表达式生成", "Html view is templated": "HTML 内容使用模板",
    "Expression is empty": "表达式为空",
    "Disable this field when it should not be interactive for end-users. Its data will not be submitted. This setting takes precedence over read-only.":
      "不让用户操作此字段时禁用它，其数据不会提交。此设置优先于只读。",
    "Make this field read-only when it cannot be edited by the end-user, but its content is important for them to see. Its data will still be submitted.":
      "用户不能修改、但需要看到内容时设为只读，其数据仍会提交。",
    "Use a unique \"key\" to link the form element and the related input/output data. When dealing with nested data, break it down in the user task's input mapping before using it.":
      "用唯一的“键”把表单元素和对应的输入输出数据关联起来。嵌套的数据请先在用户任务的输入映射中拆开再使用。",
    "Link referring to a hosted image, or use a data URI directly to embed image data into the form.":
      "指向已托管图片的链接，或直接用 data URI 把图片数据嵌入表单。",
    "Enter a form input variable that contains the data for the table or define an expression to populate the data dynamically.":
      "填写包含表格数据的表单输入变量，或用表达式动态生成数据。",
    "Add properties directly to the form schema, useful to configure functionality in custom-built task applications and form renderers.":
      "直接向表单定义添加属性，供自建的任务应用和表单渲染器配置功能。",
    "The error message to display when the input does not match the regular expression.": "输入不符合正则表达式时显示的错误提示。",
    "The built-in phone validation pattern is based on the E.164 standard with no spaces. Ex: +491234567890":
      "内置的电话校验格式遵循 E.164 标准，不含空格。例如：+491234567890",
    "Routes the children of this component into a form variable.": "把此组件的子字段放到一个表单变量下。",
    "Routes the children of this component into a form variable, may be left empty to route at the root level.":
      "把此组件的子字段放到一个表单变量下，留空则放在根一级。",
    "Documents whose height exceeds the defined value in pixels will be vertically scrollable": "文档高度超过此像素值时可上下滚动",
    "\"Static\" defines a constant, predefined set of form options.\n\n\"Input data\" defines options that are populated dynamically, adjusting based on variable data for flexible responses to different conditions or inputs.\n\n\"Expression\" defines options that are populated from a FEEL expression.":
      "“静态”：一组固定的预定义选项。\n\n“输入数据”：选项由变量数据动态生成，随条件或输入而变化。\n\n“表达式”：选项由 FEEL 表达式生成。",
    "\"List of items\" defines a constant, predefined set of form options.\n\n\"Expression\" defines options that are populated from a FEEL expression.":
      "“选项列表”：一组固定的预定义选项。\n\n“表达式”：选项由 FEEL 表达式生成。",
    "The input property may be an array of simple values or alternatively follow this schema:": "输入属性可以是简单值的数组，也可以符合以下结构：",
    "The expression may result in an array of simple values or alternatively follow this schema:": "表达式的结果可以是简单值的数组，也可以符合以下结构：",
    "Enter a HTTPS URL to a source or populate it dynamically via a template or an expression (e.g., to pass a value from the variable).":
      "填写 HTTPS 网址，或用模板、表达式动态生成（例如取变量的值）。",
    "Please make sure that the URL is safe as it might impose security risks.": "请确认网址安全，否则可能带来安全风险。",
    "Not all external sources can be displayed in the iFrame. Read more about it in the": "并非所有外部来源都能在内嵌页面中显示，详见",
    "X-FRAME-OPTIONS documentation": "X-FRAME-OPTIONS 文档",
    "Allow the iframe to access more functionality of your browser, details regarding the various options can be found in the":
      "允许内嵌页面使用浏览器的更多功能，各选项的说明见", "MDN iFrame documentation.": "MDN iFrame 文档。",
    "These options can incur security risks, especially if used in combination with dynamic links. Ensure that you are aware of them, that you trust the source url and only enable what your use case requires.":
      "这些选项可能带来安全风险，与动态链接一起使用时尤甚。请确认了解这些风险、信任来源网址，并只开启确实需要的选项。",
    "A comma-separated list of": "用逗号分隔的", "file type specifiers": "文件类型说明符",
    "A source is a JSON object containing metadata for a document or an array of documents.": "来源是一个包含文档元数据的 JSON 对象，或这类对象的数组。",
    "Each entry must include a document ID, name, and MIME type.": "每一项都必须包含文档标识、名称和 MIME 类型。",
    "Additional details are optional. The expected format is as follows:": "其他信息可选。格式如下：",
    "When using Camunda Tasklist UI, additional document reference attributes are automatically handled. Modifying the document reference may affect the document preview functionality.":
      "使用 Camunda Tasklist 界面时会自动处理其他文档引用属性；修改文档引用可能影响文档预览。",
    "Learn more in our": "详见", "documentation": "文档", "Use the preview window to test your form.": "在预览窗口中测试表单。",
    "A number is required.": "必须填写数字。", "Must be number": "必须是数字", "Value must be a number.": "值必须是数字。",
    "Should be a valid number": "应为有效的数字", "Should be a valid number.": "应为有效的数字。", "Should be an integer.": "应为整数。",
    "Should be greater than zero.": "应大于零。", "Should be greater than or equal to zero.": "应大于或等于零。",
    "For security reasons the URL must start with \"https\".": "出于安全考虑，网址必须以“https”开头。",
    "The document data source is required.": "必须填写文档数据来源。", "Must be a valid QName.": "必须是有效的限定名（QName）。",
    "Must be a variable or a dot separated path.": "必须是变量或以点分隔的路径。",
    "Must be a variable or a dot-separated path": "必须是变量或以点分隔的路径",
    "Must be empty, a variable or a dot-separated path": "必须为空、变量或以点分隔的路径", "Must be unique.": "必须唯一。",
    "Must not be a prohibited path.": "不能是禁止使用的路径。", "Must not be empty": "不能为空", "Must not be empty.": "不能为空。",
    "Must not cause two binding paths to collide": "不能造成两个绑定路径冲突",
    "Must not conflict with other key/path assignments.": "不能与其他键或路径冲突。",
    "Must not contain numerical path segments.": "路径中不能有纯数字的段。", "Must not contain prefix.": "不能包含前缀。",
    "Must not contain spaces.": "不能包含空格。", "JSON contains errors": "JSON 有错误",
    // dmn-js: data types (their values stay as they are in the file; only the label shown is Chinese).
    "string": "字符串", "boolean": "布尔值", "number": "数字", "date": "日期", "time": "时间", "dateTime": "日期时间",
    "dayTimeDuration": "日时长", "yearMonthDuration": "年月时长", "integer": "整数", "long": "长整数", "double": "双精度数",
    // dmn-js: rarer words of the table and the boxed expressions.
    "\"value\"": "\"值\"", "\"value\", \"value\", ...": "\"值\", \"值\", ...", "Clear predefined values": "清除预定义值",
    "Add parameter": "添加参数", "Remove parameter": "删除参数", "Edit formal parameters": "编辑形式参数",
    "Edit function kind": "编辑函数类型", "Function kind: {kind}": "函数类型：{kind}", "Kind": "类型", "Element name": "元素名称",
    "name": "名称", "Search in diagram": "在图中搜索", "e.g. { example } ": "例如 { example } ", "e.g. { sample }": "例如 { sample }",
    "Date must match pattern yyyy-MM-dd": "日期格式须为 yyyy-MM-dd", "Time must match pattern hh:mm:ss[time zone]": "时间格式须为 hh:mm:ss[时区]",
    "Date and time must match pattern yyyy-MM-ddTHH:mm:ss[time zone]": "日期时间格式须为 yyyy-MM-ddTHH:mm:ss[时区]",
    "Must match PnYnM": "格式须为 PnYnM", "Must match PnDTnH": "格式须为 PnDTnH",
    "Move Input": "移动输入列", "Move Output": "移动输出列", "Decision table context menu": "决策表快捷菜单"
  };

  // Texts the editors put together from a fixed frame and a name already in Chinese (the palette's and the canvas's
  // buttons) or a number; the part in the middle is kept as it is.
  var frames = [
    [/^Create an? (.*[^\x00-\x7F].*) element$/, "创建{0}"],
    [/^Remove (.*[^\x00-\x7F].*)$/, "删除{0}"],
    [/^List contains (\d+) items?$/, "列表共 {0} 项"],
    [/^Expression for '(.+)'$/, "“{0}”的表达式"]
  ];

  function framed(text) {
    for (var i = 0; i < frames.length; i++) {
      var match = frames[i][0].exec(text);
      if (match) { return frames[i][1].replace("{0}", function () { return match[1]; }); }
    }
    return text;
  }

  // The diagram-js style translate service: a template with {placeholders}, in Chinese when the catalog has it.
  function translate(template, replacements) {
    var text = Object.prototype.hasOwnProperty.call(words, template) ? words[template] : framed(template);
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
