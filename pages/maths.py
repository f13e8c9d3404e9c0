"""Page not built yet."""

from ui import chrome

chrome.coming("maths")
