/** Registers every environment family shipped with gridgym. */
import "./community/index.js";
import "./microgrid/index.js";
import "./energy-hub/index.js";
