// The one translation unit that compiles header-only Boost.JSON and Boost.URL for the whole program.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
