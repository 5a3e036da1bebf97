export { DataTable } from "./DataTable";
export { Pager, type PagerProps } from "./Pager";
export { selectColumn } from "./selectColumn";
