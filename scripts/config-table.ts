// Prints the configuration reference as a Markdown table, from the one config schema (used for README).
import { configTableMarkdown } from '../src/config/reference.ts';

console.log(configTableMarkdown());
