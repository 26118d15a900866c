from .documents import DocumentLibraryPage, LibraryDocument, Region
from .events import EventIndexPage, EventPage
from .navigation import FooterLink, MenuItem, NavigationSettings
from .news import ArticleKind, ArticlePage, ArticleTag, ArticleTopic, NewsIndexPage
from .operations import Heartbeat, TaskRun
from .pages import HomePage, SearchPage, StandardPage
from .settings import Office, OrganisationSettings
from .signins import SignInEvent, SignInRecord

__all__ = [
    "ArticleKind",
    "ArticlePage",
    "ArticleTag",
    "ArticleTopic",
    "DocumentLibraryPage",
    "EventIndexPage",
    "EventPage",
    "FooterLink",
    "Heartbeat",
    "HomePage",
    "LibraryDocument",
    "MenuItem",
    "NavigationSettings",
    "NewsIndexPage",
    "Office",
    "OrganisationSettings",
    "Region",
    "SearchPage",
    "SignInEvent",
    "SignInRecord",
    "StandardPage",
    "TaskRun",
]
