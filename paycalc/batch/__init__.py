"""A batch run and what follows it: the run (`run`), its time sheet, writing its folder
(`write`) with the HTML report (`report`), the CSV time reports, progress, the run store
(`store`), corrections of locked days, the payroll transfer and `explain`."""
