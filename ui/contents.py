"""Everything the main window holds: its menus, its pages and every menu command, in the
order a person sees them. The window builds its navigation, menu bar and shortcuts from this
list and nothing else.

Adding a page: write its module (a :class:`ui.shell.pages.Page`; ``docs/adding-a-page.md``
walks through a real one) and register it here, with the commands it answers to.
"""

from __future__ import annotations

from ui.shell.pages import Command, PageInfo, register_command, register_menu, register_page

FILE, VIEW, TICKET, CALL, SETTINGS, HELP = (
    "&File",
    "&View",
    "&Ticket",
    "&Call",
    "&Settings",
    "&Help",
)
for title in (FILE, VIEW, TICKET, CALL, SETTINGS, HELP):
    register_menu(title, lists_pages=title == VIEW)

# -- pages, in the order of the navigation ---------------------------------------------------
register_page(PageInfo("queue", "Queue", "queue", "ui.queue.page:QueuePage", "Ctrl+1"))
register_page(PageInfo("calls", "Calls", "phone", "ui.calls.desk:CallDesk", "Ctrl+2"))
register_page(
    PageInfo("callLog", "Call log", "call-log", "ui.calls.log_page:CallLogPage", "Ctrl+3")
)
register_page(PageInfo("staff", "Staff", "staff", "ui.settings.staff_page:StaffPage", "Ctrl+4"))
register_page(PageInfo("assets", "Assets", "assets", "ui.assets.page:AssetsPage", "Ctrl+5"))
register_page(PageInfo("roster", "Roster", "roster", "ui.roster.page:RosterPage", "Ctrl+6"))
register_page(
    PageInfo("training", "Training", "training", "ui.training.page:TrainingPage", "Ctrl+7")
)
register_page(
    PageInfo(
        "maintenance",
        "Maintenance",
        "maintenance",
        "ui.maintenance.page:MaintenancePage",
        "Ctrl+8",
    )
)
register_page(
    PageInfo("dashboard", "Dashboard", "dashboard", "ui.dashboard.page:DashboardPage", "Ctrl+9")
)
register_page(PageInfo("reports", "Reports", "reports", "ui.reports.page:ReportsPage", "Ctrl+0"))
register_page(
    PageInfo("problems", "Problems", "problems", "ui.problems.page:ProblemsPage", "Ctrl+Shift+P")
)
register_page(
    PageInfo("vendors", "Vendors", "vendors", "ui.vendors.page:VendorsPage", "Ctrl+Shift+V")
)
# The desk's set-up: reached from the Settings menu, not the navigation.
for key, title, factory in (
    ("sites", "Sites", "ui.settings.sites_page:SitesPage"),
    ("teams", "Teams", "ui.settings.teams_page:TeamsPage"),
    ("categories", "Categories", "ui.settings.categories_page:CategoriesPage"),
    ("sla", "SLA policies", "ui.settings.sla_page:SlaPage"),
    ("shiftTypes", "Shift types", "ui.settings.shift_types_page:ShiftTypesPage"),
):
    register_page(PageInfo(key, title, "app", factory, in_navigation=False))
register_page(
    PageInfo("ticket", "Ticket", "ticket", "ui.tickets.editor:TicketEditor", in_navigation=False)
)

# -- File ------------------------------------------------------------------------------------
register_command(
    Command(
        "newTicket",
        FILE,
        "&New ticket",
        page="ticket",
        method="new_ticket",
        shortcut="Ctrl+N",
        icon="new",
        also_in=(TICKET,),
    )
)
register_command(
    Command(
        "addAsset", FILE, "Add &asset…", page="assets", method="add", permission="MANAGE_ASSETS"
    )
)
register_command(
    Command(
        "addVendor",
        FILE,
        "Add &vendor…",
        page="vendors",
        method="add_vendor",
        permission="MANAGE_VENDORS",
    )
)
register_command(
    Command(
        "addContract",
        FILE,
        "Add c&ontract…",
        page="vendors",
        method="add_contract",
        permission="MANAGE_VENDORS",
    )
)
register_command(
    Command(
        "importCallers",
        FILE,
        "&Import callers…",
        dialog="ui.callers.import_dialog:CallerImportDialog",
        permission="IMPORT_CALLERS",
    )
)
register_command(
    Command(
        "importAssets",
        FILE,
        "I&mport assets…",
        dialog="ui.assets.import_dialog:AssetImportDialog",
        permission="IMPORT_ASSETS",
    )
)
register_command(
    Command(
        "importTraining",
        FILE,
        "Import &training completions…",
        page="training",
        method="import_file",
        permission="EDIT_TRAINING_LOG",
    )
)
register_command(
    Command(
        "printRoster",
        FILE,
        "&Print the roster week…",
        page="roster",
        method="print_week",
        shortcut="Ctrl+P",
    )
)
register_command(
    Command(
        "saveRosterPdf",
        FILE,
        "Save the roster week as P&DF…",
        page="roster",
        method="save_pdf",
    )
)
register_command(
    Command(
        "printMaintenanceLists",
        FILE,
        "Print the maintenance &lists…",
        page="maintenance",
        method="print_lists",
    )
)
register_command(
    Command(
        "saveMaintenanceLists",
        FILE,
        "Save the maintenance lists as PDF…",
        page="maintenance",
        method="save_lists",
    )
)
register_command(
    Command("switchUser", FILE, "Switch &user…", window="switch_user", separator_before=True)
)
register_command(
    Command(
        "quit",
        FILE,
        "&Quit",
        window="close",
        shortcut="Ctrl+Q",
        separator_before=True,
        needs_database=False,
    )
)

# -- View ------------------------------------------------------------------------------------
register_command(
    Command(
        "find",
        VIEW,
        "&Find / filter",
        page="queue",
        method="focus_filter",
        shortcut="Ctrl+F",
        icon="filter",
    )
)
register_command(
    Command("refresh", VIEW, "&Refresh", window="refresh_page", shortcut="F5", icon="refresh")
)
register_command(
    Command(
        "attention",
        VIEW,
        "Manager's &attention",
        page="dashboard",
        method="focus_attention",
        shortcut="F9",
        permission="ACKNOWLEDGE_ATTENTION",
    )
)
register_command(
    Command("contractsEnding", VIEW, "Contracts &ending", page="vendors", method="show_ending")
)
register_command(
    Command(
        "savedViews",
        VIEW,
        "Saved &views",
        page="queue",
        method="fill_views_menu",
        submenu=True,
        separator_before=True,
    )
)
register_command(Command("saveView", VIEW, "&Save view as…", page="queue", method="ask_save_view"))
register_command(
    Command(
        "deleteView", VIEW, "&Delete view", page="queue", method="ask_delete_view", enabled=False
    )
)

# -- Ticket ----------------------------------------------------------------------------------
register_command(
    Command(
        "openTicket",
        TICKET,
        "&Open ticket\tEnter",
        page="queue",
        method="open_current",  # Enter in the queue's table; elsewhere Enter keeps its meaning
        icon="ticket",
        enabled=False,
    )
)
register_command(
    Command(
        "newProblem",
        TICKET,
        "New pro&blem…",
        page="problems",
        method="new_problem",
        shortcut="Ctrl+Shift+N",
        permission="MANAGE_PROBLEMS",
        separator_before=True,
    )
)
register_command(
    Command(
        "escalateToVendor",
        TICKET,
        "Escalate to &vendor…",
        page="ticket",
        method="escalate_to_vendor",
        shortcut="Ctrl+Shift+E",
        separator_before=True,
        permission="ESCALATE_TO_VENDOR",
    )
)
register_command(
    Command(
        "recordVendorAnswer",
        TICKET,
        "Record vendor's &answer…",
        page="ticket",
        method="record_vendor_response",
        shortcut="Ctrl+Shift+R",
        permission="ESCALATE_TO_VENDOR",
    )
)
register_command(
    Command(
        "escalationPack",
        TICKET,
        "Escalation &pack…",
        page="ticket",
        method="save_escalation_pack",
    )
)
register_command(
    Command(
        "declareMajorIncident",
        TICKET,
        "Declare &major incident…",
        dialog="ui.maintenance.major_incident_dialog:DeclareMajorIncidentDialog",
        separator_before=True,
        permission="DECLARE_MAJOR_INCIDENT",
    )
)
register_command(
    Command(
        "closeMajorIncident",
        TICKET,
        "C&lose major incident…",
        dialog="ui.maintenance.major_incident_dialog:CloseMajorIncidentDialog",
        permission="DECLARE_MAJOR_INCIDENT",
    )
)

# -- Call ------------------------------------------------------------------------------------
register_command(
    Command(
        "takeCall",
        CALL,
        "&Take call",
        page="calls",
        method="take_call",
        shortcut="F2",
        icon="phone",
        asks_to_leave=False,  # edits in the editor stay there; the phone rings now
    )
)
register_command(
    Command(
        "endCall",
        CALL,
        "&End call",
        page="calls",
        method="end_call",
        shortcut="F8",
        shows_page=False,
        enabled=False,
    )
)
# The call's outcomes: window actions, so they work wherever the keyboard is during a call.
for name, text, method, key in (
    ("callTicket", "&New ticket for the caller", "new_ticket", "F3"),
    ("callNote", "Add a &note to their ticket", "focus_note", "F4"),
    ("callResolved", "&Resolved on the call", "resolve_on_call", "F6"),
    ("newCaller", "New &caller", "quick_create", "F7"),
):
    register_command(Command(name, CALL, text, page="calls", method=method, shortcut=key))
register_command(
    Command(
        "findDuplicates",
        CALL,
        "Find &duplicate callers…",
        dialog="ui.callers.merge_dialog:CallerMergeDialog",
        separator_before=True,
        permission="MERGE_CALLERS",
    )
)
register_command(
    Command(
        "eraseCaller",
        CALL,
        "&Erase the caller's personal data…",
        page="calls",
        method="erase_caller",
        permission="ERASE_PERSONAL_DATA",
    )
)

# -- Settings --------------------------------------------------------------------------------
register_command(
    Command(
        "setUpAssistant",
        SETTINGS,
        "Set-up &assistant…",
        window="set_up",
        permission="SET_UP_ORGANISATION",
    )
)
register_command(
    Command(
        "organisation",
        SETTINGS,
        "&Organisation…",
        dialog="ui.settings.organisation:OrganisationDialog",
        permission="SET_UP_ORGANISATION",
    )
)
register_command(
    Command(
        "priorityMatrix",
        SETTINGS,
        "&Priority matrix…",
        dialog="ui.settings.priority_matrix:PriorityMatrixDialog",
        permission="CHANGE_PRIORITY_MATRIX",
    )
)
register_command(
    Command(
        "attentionRules",
        SETTINGS,
        "&Management escalation rules…",
        dialog="ui.attention.rules_dialog:AttentionRulesDialog",
        permission="SET_ATTENTION_RULES",
    )
)

for name, text in (
    ("sites", "&Sites"),
    ("teams", "&Teams"),
    ("categories", "&Categories"),
    ("sla", "S&LA policies"),
    ("shiftTypes", "Shift t&ypes"),
):
    register_command(Command(name, SETTINGS, text, page=name, method="refresh"))

# -- Help ------------------------------------------------------------------------------------
register_command(Command("about", HELP, "&About Switchboard", window="about", needs_database=False))
